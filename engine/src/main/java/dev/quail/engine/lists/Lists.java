package dev.quail.engine.lists;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The lists of a home, {@code lists/DOMAIN/LIST/} (ezmlm-make's DIR, one per list). A list is created whole in a
 * hidden directory and renamed into place, and deleted by a rename out of sight before its files go, so a crash
 * never leaves half a list that the server would serve. Which address belongs to which list is decided here, as
 * ezmlm's .qmail files decide it (EZ-01): LIST@DOMAIN posts, LIST-anything@DOMAIN is a command (the longest list
 * name wins, so lists "a" and "a-b" can live side by side).
 */
public final class Lists {
    /** An address that belongs to a list: {@code extension} is empty for a post, else what follows "LIST-". */
    public record Target(MailingList list, String extension) {}

    private final Path root;

    public Lists(Path root) {
        this.root = root;
    }

    /** The lists directory of a home. */
    public static Lists of(Path home) {
        return new Lists(home.resolve("lists"));
    }

    /** Whether there is any list at all (a directory under lists/). */
    public boolean any() {
        if (!Files.isDirectory(root)) return false;
        try (DirectoryStream<Path> domains = Files.newDirectoryStream(root)) {
            return domains.iterator().hasNext();
        } catch (IOException e) {
            return true; // unsure: ask each delivery, which then finds no list
        }
    }

    public Optional<MailingList> open(ListAddress name) {
        Path dir = root.resolve(name.domain()).resolve(name.local());
        return Files.isRegularFile(dir.resolve("key")) ? Optional.of(new MailingList(name, dir)) : Optional.empty();
    }

    public MailingList create(ListAddress name, Optional<String> owner, boolean moderated, boolean subscribersOnly)
            throws IOException {
        Path domain = root.resolve(name.domain());
        Path dir = domain.resolve(name.local());
        if (Files.exists(dir)) throw new IOException(name + " already exists");
        Files.createDirectories(domain);
        Path building = domain.resolve("." + name.local() + ".new");
        deleteTree(building); // a create a crash interrupted
        MailingList.initialise(name, building, owner, moderated, subscribersOnly);
        Files.move(building, dir);
        AtomicFile.syncDirectory(domain);
        return new MailingList(name, dir);
    }

    /** Deletes the list with its members, archive and bounces; false when there is no such list. */
    public boolean delete(ListAddress name) throws IOException {
        Optional<MailingList> list = open(name);
        if (list.isEmpty()) return false;
        Path gone = list.get().dir().resolveSibling("." + name.local() + ".deleted");
        deleteTree(gone);
        Files.move(list.get().dir(), gone);
        AtomicFile.syncDirectory(gone.getParent());
        deleteTree(gone);
        return true;
    }

    /** Every list, domain by domain. */
    public List<MailingList> all() throws IOException {
        List<MailingList> lists = new ArrayList<>();
        if (!Files.isDirectory(root)) return lists;
        try (DirectoryStream<Path> domains = Files.newDirectoryStream(root)) {
            for (Path d : domains) {
                if (!Files.isDirectory(d)) continue;
                try (DirectoryStream<Path> names = Files.newDirectoryStream(d)) {
                    for (Path n : names) {
                        ListAddress.parse(n.getFileName() + "@" + d.getFileName()).flatMap(this::open)
                                .ifPresent(lists::add);
                    }
                }
            }
        }
        return lists;
    }

    /** The list {@code address} belongs to, if any. */
    public Optional<Target> find(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) return Optional.empty();
        String local = address.substring(0, at);
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        String lower = local.toLowerCase(Locale.ROOT);
        for (int dash = lower.length(); dash > 0; dash = lower.lastIndexOf('-', dash - 1)) {
            Optional<MailingList> list = ListAddress.parse(lower.substring(0, dash) + "@" + domain).flatMap(this::open);
            // the extension keeps its case: cookies and box=domain are matched exactly (EZ-10)
            if (list.isPresent()) {
                return Optional.of(new Target(list.get(), dash == local.length() ? "" : local.substring(dash + 1)));
            }
        }
        return Optional.empty();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
