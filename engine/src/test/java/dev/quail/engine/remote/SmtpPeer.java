package dev.quail.engine.remote;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small ESMTP server (PIPELINING, 8BITMIME, SIZE) listening on one port of several loopback addresses, for
 * the actor tests: it records every transaction and connection, answers RCPT as {@link #rcpt} says, and can
 * hold the final reply for a while, greet with something else than 220, refuse a MAIL, or close a connection
 * without a word after so many messages. Each connection runs on its own thread.
 */
final class SmtpPeer implements AutoCloseable {
    record Transaction(String local, String mailFrom, List<String> recipients, String data) {}

    final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    /** "local connect", "local QUIT" and "local close" events, in order. */
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    volatile Function<String, String> rcpt = r -> "250 ok";
    volatile long finalDelayMillis;
    /** What EHLO states as SIZE. */
    volatile long sizeLimit = 10_000_000;
    /** RCPTs accepted per transaction before "452 4.5.3 too many recipients". */
    volatile int maxRecipients = Integer.MAX_VALUE;
    /** The greeting each local address gives. */
    volatile Function<String, String> greeting = local -> "220 peer ESMTP";
    /** Given the number of messages accepted so far, what MAIL hears instead of 250 (null: 250); a 421 closes. */
    volatile Function<Integer, String> mail = accepted -> null;
    /** Messages on one connection after which the next MAIL gets no reply: the connection is closed. */
    volatile int closeAfter = Integer.MAX_VALUE;
    /** When each message was accepted (System.nanoTime()), in order. */
    final List<Long> acceptedAt = new CopyOnWriteArrayList<>();
    /** Messages accepted on each connection, in the order the connections ended. */
    final List<Integer> perConnection = new CopyOnWriteArrayList<>();
    final int port;

    private SmtpPeer(int port) {
        this.port = port;
    }

    static SmtpPeer start(String... ips) throws IOException {
        ServerSocket first = new ServerSocket();
        first.bind(new InetSocketAddress(InetAddress.getByName(ips[0]), 0));
        SmtpPeer peer = new SmtpPeer(first.getLocalPort());
        peer.listen(first);
        for (int i = 1; i < ips.length; i++) {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(ips[i]), peer.port));
            peer.listen(s);
        }
        return peer;
    }

    private void listen(ServerSocket server) {
        listeners.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread c = new Thread(() -> serve(s), "smtp-peer-conn");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "smtp-peer-accept");
        t.setDaemon(true);
        t.start();
    }

    private void serve(Socket s) {
        String local = s.getLocalAddress().getHostAddress();
        connections.incrementAndGet();
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        events.add(local + " connect");
        int here = 0;
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String hello = greeting.apply(local);
            reply(out, hello);
            if (!hello.startsWith("2")) return;
            String mailFrom = null;
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = line(in)) != null) {
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    reply(out, "250-peer\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE " + sizeLimit);
                } else if (upper.startsWith("HELO")) {
                    reply(out, "250 peer");
                } else if (upper.startsWith("MAIL FROM:")) {
                    if (here >= closeAfter) return;
                    String refused = mail.apply(transactions.size());
                    if (refused != null) {
                        reply(out, refused);
                        if (refused.startsWith("421")) return;
                        continue;
                    }
                    mailFrom = between(line);
                    recipients = new ArrayList<>();
                    reply(out, "250 ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String r = between(line);
                    String answer = recipients.size() >= maxRecipients ? "452 4.5.3 too many recipients"
                            : rcpt.apply(r);
                    if (answer.startsWith("2")) recipients.add(r);
                    reply(out, answer);
                } else if (upper.equals("DATA")) {
                    if (recipients.isEmpty()) {
                        reply(out, "554 no valid recipients");
                        continue;
                    }
                    reply(out, "354 go ahead");
                    String data = data(in);
                    transactions.add(new Transaction(local, mailFrom, List.copyOf(recipients), data));
                    acceptedAt.add(System.nanoTime());
                    here++;
                    if (finalDelayMillis > 0) Thread.sleep(finalDelayMillis);
                    reply(out, "250 ok " + transactions.size());
                    recipients = new ArrayList<>();
                } else if (upper.equals("RSET")) {
                    recipients = new ArrayList<>();
                    reply(out, "250 flushed");
                } else if (upper.equals("QUIT")) {
                    events.add(local + " QUIT");
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "502 unknown command");
                }
            }
        } catch (IOException | InterruptedException gone) {
            // the client went away
        } finally {
            open.decrementAndGet();
            perConnection.add(here);
            events.add(local + " close");
        }
    }

    private static String between(String line) {
        int lt = line.indexOf('<');
        int gt = line.indexOf('>', lt);
        return lt < 0 || gt < 0 ? "" : line.substring(lt + 1, gt);
    }

    /** The message up to the end of data; a connection that ends before it brought no message. */
    private static String data(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        String line;
        while (!".".equals(line = line(in))) {
            if (line == null) throw new IOException("the connection ended before the end of data");
            b.append(line.startsWith(".") ? line.substring(1) : line).append('\n');
        }
        return b.toString();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') break;
            if (c != '\r') b.write(c);
        }
        if (c == -1 && b.size() == 0) return null;
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket s : listeners) s.close();
        synchronized (sockets) {
            for (Socket s : sockets) s.close();
        }
    }
}
