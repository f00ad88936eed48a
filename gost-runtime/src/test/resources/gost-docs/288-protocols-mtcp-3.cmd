# page: en/docs/tutorials/protocols/mtcp.md
# section: HTTP Over MTCP
gost -L http+mtcp://:8443
