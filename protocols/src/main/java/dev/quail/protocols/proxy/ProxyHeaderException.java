/*
 * ProxyHeaderException: bytes that are not a well-formed PROXY protocol header, or one over its size limit. The
 * connection carrying them is closed: nothing in it can be trusted to say who the client is.
 */
package dev.quail.protocols.proxy;

public final class ProxyHeaderException extends Exception {
    ProxyHeaderException(String message) {
        super(message);
    }
}
