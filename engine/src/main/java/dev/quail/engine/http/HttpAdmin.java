package dev.quail.engine.http;

import dev.quail.engine.lists.Lists;
import dev.quail.engine.lists.OneClick;
import dev.quail.engine.Controls;
import dev.quail.engine.admin.Admin;
import dev.quail.engine.admin.QueueView;
import dev.quail.engine.auth.KeyedFile;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.metrics.Meters;
import dev.quail.engine.metrics.Rates;
import dev.quail.engine.tls.ServerTls;
import dev.quail.persistence.journal.JournalStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import scala.concurrent.duration.FiniteDuration;

/**
 * The admin listener (quail start --http / --https): Pekko HTTP on the server's own actor system, one route class
 * per area, every route behind {@link Guard}. It reaches the queue only through the Admin actor, the same one
 * queue/admin.sock serves, so the API and the command line give the same answers.
 */
public final class HttpAdmin extends AllDirectives {
    /** A request body is read whole (forms, small JSON): at most this long in coming, and this large. */
    private static final FiniteDuration BODY_TIMEOUT = FiniteDuration.create(10, TimeUnit.SECONDS);
    private static final long BODY_BYTES = 1 << 20;

    /** What the routes read and drive. */
    public record Services(ActorRef<Admin.Command> admin, QueueView view, Controls controls, Logins logins,
                           Supplier<JournalStore.Health> journal, BooleanSupplier listening,
                           BooleanSupplier diskLow, BooleanSupplier openOnLoopback, Executor io) {}

    private final Route route;

    private HttpAdmin(ActorSystem<?> system, Services services, boolean https) {
        Sessions sessions = new Sessions(System::currentTimeMillis);
        Guard guard = new Guard(sessions, new AdminTokens(new KeyedFile(services.controls().home().adminTokens())),
                services.io(), services.openOnLoopback());
        AdminLogin login = new AdminLogin(services.logins().against(new Passwords(services.controls().home().admins())),
                sessions);
        AdminRequests requests = new AdminRequests(services.admin(), system.scheduler());
        MailboxDesk mailboxes = new MailboxDesk(services.controls(), services.io());
        Lists lists = Lists.of(services.controls().home().root());
        ListDesk listDesk = new ListDesk(lists, services.io());
        LoginRoutes logins = new LoginRoutes(login, sessions, guard, https);
        Rates rates = new Rates();
        system.scheduler().scheduleAtFixedRate(Duration.ZERO, Rates.EVERY,
                () -> rates.sample(Instant.now(), Meters.totals()), system.executionContext());
        this.route = toStrictEntity(BODY_TIMEOUT, BODY_BYTES, () -> concat(
                logins.route(),
                new QueueRoutes(guard, requests, services.view()).route(),
                new SiteRoutes(guard, requests).route(),
                new MailboxRoutes(guard, mailboxes).route(),
                new ListRoutes(guard, listDesk).route(),
                new MetricsRoutes(guard, services.view()).route(),
                new HealthRoutes(guard, services.journal(), services.listening(), services.diskLow()).route(),
                new OneClickRoutes(new OneClick(lists), services.io()).route(),
                new WebRoutes(logins, guard, requests, mailboxes, listDesk, rates).route()));
    }

    /** Binds HOST:PORT; over TLS with control/servercert.pem when {@code tls} is given. */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, InetSocketAddress address,
                                                      Optional<ServerTls> tls, Services services) {
        ServerBuilder server = Http.get(system).newServerAt(address.getHostString(), address.getPort());
        if (tls.isPresent()) server = server.enableHttps(ConnectionContext.httpsServer(tls.get()::newEngine));
        return server.bind(new HttpAdmin(system, services, tls.isPresent()).route);
    }
}
