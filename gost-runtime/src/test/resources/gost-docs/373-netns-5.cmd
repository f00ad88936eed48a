# page: en/docs/tutorials/netns.md
# section: Using Chain
gost -L tcp://10.0.0.1:8000/10.0.1.11:8000?netns=ns1 -F http://10.0.1.1:8080?netns=ns2
