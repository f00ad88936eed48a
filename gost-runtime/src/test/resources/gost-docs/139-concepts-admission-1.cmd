# page: en/docs/concepts/admission.md
# section: Admission Controller
gost -L http://:8080?admission=127.0.0.1,192.168.0.0/16,example.com
