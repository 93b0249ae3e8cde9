package dev.quail.engine.cli;

import dev.quail.config.ControlFiles;
import dev.quail.config.ControlWriter;
import dev.quail.engine.Home;
import dev.quail.engine.Main;
import dev.quail.engine.dkim.DkimKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quail dkim keygen}: a signing key for a domain and the DNS record that publishes it. */
@Command(name = "dkim", description = "DKIM signing keys.", subcommands = DkimCommand.Keygen.class)
public final class DkimCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "keygen", description = "Make a key in control/dkim/DOMAIN/SELECTOR (mode 0600), sign DOMAIN's"
            + " mail with it (control/dkimdomains) and print the TXT record to publish.")
    static final class Keygen implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--selector", paramLabel = "S", description = "the selector (default: ${DEFAULT-VALUE})")
        String selector = "quail";

        @Option(names = "--algorithm", paramLabel = "rsa|ed25519", description = "rsa (2048 bits, the default) or"
                + " ed25519 (RFC 8463; not every receiver verifies it yet)")
        String algorithm = "rsa";

        @Override
        public Integer call() throws IOException {
            String d = domain.toLowerCase(Locale.ROOT);
            String s = selector.toLowerCase(Locale.ROOT);
            // Both become a path under control/dkim/ and a DNS name: DNS labels only, no "..", no "/".
            String label = "[a-z0-9]([a-z0-9_-]*[a-z0-9])?";
            DkimKeys.Algorithm a = switch (algorithm.toLowerCase(Locale.ROOT)) {
                case "rsa" -> DkimKeys.Algorithm.RSA;
                case "ed25519" -> DkimKeys.Algorithm.ED25519;
                default -> null;
            };
            if (!d.matches(label + "(\\." + label + ")+") || !s.matches(label) || a == null) {
                System.err.println("quail dkim keygen: usage: quail dkim keygen DOMAIN [--selector S]"
                        + " [--algorithm rsa|ed25519] (DOMAIN and S as DNS names)");
                return Main.USAGE;
            }
            Home home = homeOption.home();
            home.ensureDirectories();
            DkimKeys keys = new DkimKeys(home.control());
            String record = keys.generate(d, s, a);
            addSigningLine(home.control("dkimdomains"), d, s);
            System.err.println("quail dkim keygen: key in " + keys.file(d, s)
                    + "; mail from " + d + " is signed once this record is published:");
            System.out.println(record);
            return 0;
        }

        /** DOMAIN:SELECTOR in place of any line for DOMAIN, the other lines kept as they are. */
        private static void addSigningLine(Path file, String domain, String selector) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line : ControlFiles.list(file)) {
                if (!line.toLowerCase(Locale.ROOT).startsWith(domain + ":")) lines.add(line);
            }
            lines.add(domain + ":" + selector);
            ControlWriter.write(file, lines);
        }
    }
}
