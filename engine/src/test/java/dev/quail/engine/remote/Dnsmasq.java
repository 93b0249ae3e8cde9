package dev.quail.engine.remote;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq on 127.0.0.1 and a free port, serving the given configuration lines (PEERS.md), for the
 * tests' DNS. Unknown names under .test are NXDOMAIN; names elsewhere are REFUSED.
 */
final class Dnsmasq implements AutoCloseable {
    private final Process process;
    private final Path dir;
    final int port;

    private Dnsmasq(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static Dnsmasq start(List<String> lines) throws Exception {
        Path dir = Files.createTempDirectory("quail-dnsmasq");
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = s.getLocalPort();
        }
        StringBuilder conf = new StringBuilder()
                .append("port=").append(port).append('\n')
                .append("listen-address=127.0.0.1\nbind-interfaces\nno-resolv\nno-hosts\nlocal=/test/\n");
        for (String line : lines) conf.append(line).append('\n');
        Path file = dir.resolve("dnsmasq.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=" + file,
                "--pid-file=" + dir.resolve("pid"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        Dnsmasq d = new Dnsmasq(p, dir, port);
        d.awaitAnswers();
        return d;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** The line for control/dnsservers. */
    String server() {
        return "127.0.0.1:" + port;
    }

    SimpleResolver resolver(Duration timeout) {
        SimpleResolver r = new SimpleResolver(address());
        r.setTimeout(timeout);
        return r;
    }

    private void awaitAnswers() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        SimpleResolver r = resolver(Duration.ofMillis(200));
        while (true) {
            if (!process.isAlive()) throw new IOException("dnsmasq exited: " + Files.readString(dir.resolve("out")));
            try {
                r.send(Message.newQuery(Record.newRecord(Name.fromString("probe.test."), Type.A, 1)));
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) throw notYet;
            }
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
