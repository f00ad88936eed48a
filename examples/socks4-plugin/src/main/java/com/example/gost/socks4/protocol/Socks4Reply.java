package com.example.gost.socks4.protocol;

/**
 * A SOCKS4 server's answer, as far as a client cares.
 *
 * @param version the first byte: {@link Socks4#REPLY_VERSION} (0) for a SOCKS4 server
 * @param code    {@link Socks4#GRANTED} or one of the refusals
 */
public record Socks4Reply(int version, int code) {

    /** True for a SOCKS4 reply that grants the request. */
    public boolean granted() {
        return version == Socks4.REPLY_VERSION && code == Socks4.GRANTED;
    }
}
