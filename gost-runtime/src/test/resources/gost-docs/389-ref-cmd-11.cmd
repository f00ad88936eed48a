# page: en/docs/reference/configuration/cmd.md
# section: Scoped Parameters
gost -L ":8080?handler.key1=value1&listener.key2=value2&service.key3=value3" \
     -F "http://:8000?hop.key4=value4&node.key5=value5&dialer.key6=value6&connector.key7=value7"
