# page: en/docs/reference/handlers/rtcp.md
# section: TCP远程端口转发
gost -L rtcp://:2222/:22
