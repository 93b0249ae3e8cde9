package dev.quail.engine.serial;

import dev.quail.config.QuailHome;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The mail kept for one control/serialhosts domain: the Maildir {@code serialmail/DOMAIN/}, into which local delivery
 * writes each message with qmail-local's Return-Path and Delivered-To lines on top, as qmail's virtualdomains +
 * maildirsmtp set-up kept it. Those two lines are the envelope (maildirsmtp read them the same way; Quail needs no
 * alias prefix on the Delivered-To address, so there is none to strip); the message sent on is what follows them.
 * Messages are pushed oldest first (a Maildir name starts with its delivery time). A file without the two lines is
 * not Quail's: it is left alone and reported.
 */
public final class SerialMaildir {
    /** Longer envelope lines than any address: the file is not one Quail wrote. */
    private static final int MAX_LINE = 2048;

    /** One kept message: its file, envelope, and the size and shape of the message after the two lines. */
    public record Kept(Path file, String sender, String recipient, long offset, long size, boolean eightBit,
                       boolean partialFinalLine) {
        /** The message as it goes on: the file after the envelope lines. */
        public InputStream open() throws IOException {
            InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536);
            in.skipNBytes(offset);
            return in;
        }
    }

    private final Path dir;

    public SerialMaildir(Path home, String domain) {
        this.dir = QuailHome.of(home).serialmail().resolve(domain);
    }

    public Path dir() {
        return dir;
    }

    /** The messages in new/ and cur/, oldest first; none when the Maildir does not exist yet. */
    public List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : new String[] {"new", "cur"}) {
            try (Stream<Path> listed = Files.list(dir.resolve(sub))) {
                listed.filter(f -> !f.getFileName().toString().startsWith(".")).forEach(files::add);
            } catch (NoSuchFileException none) {
                // nothing kept yet
            }
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return files;
    }

    /** The envelope and shape of {@code file}, or empty if it does not start with the two lines. */
    public static Optional<Kept> read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
            Optional<String> rp = line(in).filter(l -> l.startsWith("Return-Path: <") && l.endsWith(">"));
            Optional<String> dt = line(in).filter(l -> l.startsWith("Delivered-To: "));
            if (rp.isEmpty() || dt.isEmpty()) return Optional.empty();
            long offset = rp.get().length() + dt.get().length() + 2;
            long size = 0;
            boolean eightBit = false;
            int last = '\n';
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) if (buffer[i] < 0) eightBit = true;
                if (n > 0) last = buffer[n - 1];
                size += n;
            }
            String sender = unquote(rp.get().substring("Return-Path: <".length(), rp.get().length() - 1));
            String recipient = dt.get().substring("Delivered-To: ".length());
            return Optional.of(new Kept(file, sender, recipient, offset, size, eightBit, last != '\n'));
        }
    }

    private static Optional<String> line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0 || b.size() >= MAX_LINE) return Optional.empty();
            b.write(c);
        }
        return Optional.of(b.toString(StandardCharsets.ISO_8859_1));
    }

    /** Undoes qmail-local's quoting of the Return-Path's local part (ADDR-03). */
    static String unquote(String address) {
        if (!address.startsWith("\"")) return address;
        StringBuilder b = new StringBuilder(address.length());
        int i = 1;
        for (; i < address.length() && address.charAt(i) != '"'; i++) {
            char c = address.charAt(i);
            if (c == '\\' && i + 1 < address.length()) c = address.charAt(++i);
            b.append(c);
        }
        return b.append(address.substring(Math.min(i + 1, address.length()))).toString();
    }
}
