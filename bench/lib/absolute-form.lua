-- wrk script: send every request in absolute form, as a client of an HTTP forward proxy does.
--
--   wrk -s absolute-form.lua http://127.0.0.1:PROXY/ -- http://127.0.0.1:ORIGIN/1k
--
-- wrk connects to the URL it is given (the proxy, or the origin itself for the "direct" row: origin
-- servers accept absolute-form too, RFC 9112 section 3.2.2) and sends `GET http://127.0.0.1:ORIGIN/1k`
-- with `Host: 127.0.0.1:ORIGIN`. Only init() is defined, so wrk still builds the request once and sends
-- the same bytes each time (no Lua call per request): the client costs the same for every peer.

init = function(args)
    local target = args[1]
    if target == nil or not target:match("^http://[^/]+/") then
        error("absolute-form.lua needs the target URL after --, e.g. -- http://127.0.0.1:8080/1k")
    end
    wrk.path = target
    wrk.headers["Host"] = target:match("^http://([^/]+)/")
end
