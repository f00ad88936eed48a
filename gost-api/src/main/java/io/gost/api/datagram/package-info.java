/**
 * Datagrams: what UDP services, UDP routes and UDP tunnels share.
 *
 * <h2>Datagram channels</h2>
 *
 * A <em>datagram channel</em> is any Netty channel whose messages are {@link io.netty.channel.socket.DatagramPacket}s,
 * one datagram each, whatever carries them underneath: a UDP socket, a client's session on a UDP listener
 * ({@link io.gost.api.datagram.DatagramSessionChannel}), or a TCP stream with a framing codec (GOST's UDP-TUN,
 * {@link io.gost.api.datagram.UdpTunCodec}; the relay protocol's). They all keep one contract, so that handlers,
 * the runtime's datagram relay and connectors can be combined freely:
 *
 * <ul>
 *   <li><b>Reading</b>: each message is one datagram. {@code sender()} is where it came from (the client, or the
 *       remote peer or target); {@code recipient()} is the destination it was addressed to: for a channel from a
 *       client that names destinations per datagram (a SOCKS5 UDP client, a UDP-TUN client) the destination the
 *       client named, which may be unresolved (a domain name), otherwise the local address.</li>
 *   <li><b>Writing</b>: a {@code DatagramPacket}, or a plain {@link io.netty.buffer.ByteBuf}. A channel with
 *       <em>one peer</em> (a client's session, a route to one target) sends every datagram to that peer and
 *       ignores {@code recipient()}. An <em>association</em> (reaches any destination: a SOCKS5 UDP relay
 *       socket toward targets, a UDP-TUN association through a chain) sends each datagram to its
 *       {@code recipient()}, resolving a name first. A channel that faces a client speaking a framed protocol
 *       (the server side of UDP-TUN) names {@code sender()} as the datagram's source.</li>
 *   <li>Datagrams may be empty and may be as long as UDP allows (65,507 bytes over IPv4). Netty's datagram
 *       channels skip empty writes, so every UDP socket gost-java creates has an
 *       {@link io.gost.api.datagram.EmptyDatagrams#WRITER} in its pipeline.</li>
 *   <li>Datagrams are never queued without bound: a channel that cannot take more (not writable) drops them,
 *       as a full socket buffer would.</li>
 * </ul>
 *
 * <p>Because of that contract a relay between two datagram channels passes each packet on unchanged: a
 * client's datagram carries the destination it named to an association; a target's answer carries its source
 * back to a client that wants to know it.
 *
 * <h2>Sessions</h2>
 *
 * A UDP service sees its clients as <em>sessions</em>, one per client address:
 * {@link io.gost.api.datagram.DatagramSessions} sits in the pipeline of a datagram channel (a listening UDP
 * socket, or a tunnel from a hop that listens for the service) and hands each new client's session to an
 * acceptor, like a connection. Sessions end when idle ({@code ttl}), when their handler closes them, or with the
 * channel they came from; their number, and the datagrams waiting in each, are bounded.
 */
package io.gost.api.datagram;
