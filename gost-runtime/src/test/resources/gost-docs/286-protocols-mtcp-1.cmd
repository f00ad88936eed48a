# page: en/docs/tutorials/protocols/mtcp.md
# section: Usage
gost -L mtcp://:8000
