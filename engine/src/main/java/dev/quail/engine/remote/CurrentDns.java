package dev.quail.engine.remote;

import dev.quail.config.DnsServers;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/**
 * The {@link Dns} for the current control/dnsservers: rebuilt, with fresh caches, when the list changes, so
 * an edited file applies to the next lookup. The resolver comes from the factory it is given; the standard
 * one asks the listed servers in turn, or the system's resolvers (resolv.conf) when there are none.
 * Host actors share it from any thread.
 */
final class CurrentDns {
    private final Function<DnsServers, Resolver> resolvers;
    private final Predicate<InetAddress> local;
    private final LongSupplier clock;
    private final Random random = new Random();
    private DnsServers servers;
    private Dns dns;

    CurrentDns(Function<DnsServers, Resolver> resolvers, Predicate<InetAddress> local, LongSupplier clock) {
        this.resolvers = resolvers;
        this.local = local;
        this.clock = clock;
    }

    static Resolver standardResolver(DnsServers servers) {
        if (servers.servers().isEmpty()) return new ExtendedResolver();
        List<Resolver> list = new ArrayList<>();
        servers.servers().forEach(address -> list.add(new SimpleResolver(address)));
        return new ExtendedResolver(list);
    }

    synchronized Dns get(DnsServers current) {
        if (dns == null || !Objects.equals(servers, current)) {
            dns = new Dns(resolvers.apply(current), local, random, clock);
            servers = current;
        }
        return dns;
    }
}
