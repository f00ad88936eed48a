# page: en/docs/tutorials/protocols/mtcp.md
# section: Relay Over MTCP
gost -L relay+mtcp://:8443
