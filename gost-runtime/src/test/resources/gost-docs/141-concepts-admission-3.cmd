# page: en/docs/concepts/admission.md
# section: Blacklist And Whitelist
gost -L http://:8080?admission=~127.0.0.1,192.168.0.0/16
