/*
 * ProxyHeader: what a PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) says about the
 * connection a proxy relays. Only Proxied names a client; for the other two the receiver uses the socket's own
 * addresses, as the specification asks.
 */
package dev.quail.protocols.proxy;

import java.net.InetSocketAddress;

public sealed interface ProxyHeader {
    /** A relayed TCP connection: the client's address and the address it connected to, as the proxy saw them. */
    record Proxied(int version, InetSocketAddress source, InetSocketAddress destination) implements ProxyHeader {}

    /** Version 2's LOCAL command: the proxy's own connection, a health check; no client is named. */
    record Local() implements ProxyHeader {}

    /** A relayed connection the header cannot name in TCP terms: v1 UNKNOWN, v2 UNSPEC or a UNIX socket. */
    record Unknown(String what) implements ProxyHeader {}
}
