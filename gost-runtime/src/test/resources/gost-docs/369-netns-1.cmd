# page: en/docs/tutorials/netns.md
# section: Listening And Forwarding In Different Namespaces
gost -L tcp://10.0.0.1:8000/:8000?netns=ns1
