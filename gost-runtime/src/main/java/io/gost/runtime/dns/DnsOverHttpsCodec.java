package io.gost.runtime.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * DNS over HTTPS (RFC 8484), as GOST asks: a {@link DnsQuery} goes out as {@code POST PATH} with the query in
 * DNS wire format as an {@code application/dns-message} body, and the {@code 200} answer's body comes back as a
 * {@link DnsResponse}. Sits above {@code HttpClientCodec} and {@code HttpObjectAggregator}; any other status is an
 * error naming the nameserver and the status.
 *
 * <p>The wire format is Netty's DNS-over-TCP codec's (RFC 1035's, behind a two-byte length), run on an embedded
 * channel, so that the encoding is Netty's rather than a second one of ours.
 */
final class DnsOverHttpsCodec extends MessageToMessageCodec<FullHttpResponse, DnsQuery> {

    private static final String DNS_MESSAGE = "application/dns-message";

    private final Nameserver nameserver;

    DnsOverHttpsCodec(Nameserver nameserver) {
        this.nameserver = nameserver;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, DnsQuery query, List<Object> out) {
        ByteBuf framed = DatagramDnsCodec.wireOf(query);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                nameserver.path(), framed);
        request.headers().set(HttpHeaderNames.HOST, host())
                .set(HttpHeaderNames.CONTENT_TYPE, DNS_MESSAGE)
                .set(HttpHeaderNames.ACCEPT, DNS_MESSAGE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, framed.readableBytes());
        out.add(request);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, FullHttpResponse response, List<Object> out) {
        if (!response.status().equals(HttpResponseStatus.OK)) {
            throw new DecoderException(nameserver + " answered HTTP " + response.status());
        }
        out.add(DatagramDnsCodec.responseOf(ctx, response.content(), nameserver));
    }

    private String host() {
        String name = nameserver.serverName();
        if (name == null) {
            String ip = nameserver.address().getAddress().getHostAddress();
            name = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        }
        int port = nameserver.address().getPort();
        return port == 443 ? name : name + ":" + port;
    }
}
