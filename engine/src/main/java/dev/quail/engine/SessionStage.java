package dev.quail.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One connection's session at the socket as a single stream stage: the greeting first, then one step per chunk the
 * client sent and one per {@link TcpListener#TICK} (the session's deadlines), each step's bytes written before the
 * next step starts, and the connection ended after a step that says so, when the client stops sending, or when a
 * step fails. A step that is still running (a piece being stored, a message journaled, a password checked) holds
 * back both reading and ticking, so a fast client cannot get ahead of the disk and a tick never races a step.
 *
 * <p>Why one stage: built from Pekko's operators (a tick source merged in, mapAsync, prepend, takeWhile, map,
 * filter, watchTermination) the same edge was about ten stages built and materialized for every connection, which
 * with a connection per message cost as much CPU as the message itself.
 */
public final class SessionStage extends GraphStage<FlowShape<ByteString, ByteString>> {
    /** What one step produced: bytes to write (maybe none), and whether the connection ends after them. */
    public record Step(ByteString bytes, boolean close) {}

    /** The session's side: called on the stream's thread, one call at a time. */
    public interface Session {
        CompletionStage<Step> received(ByteString chunk);

        CompletionStage<Step> tick();

        /** The connection ended, however it ended. */
        void ended();
    }

    private final Inlet<ByteString> in = Inlet.create("session.in");
    private final Outlet<ByteString> out = Outlet.create("session.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Step greeting;
    private final Session session;

    private SessionStage(Step greeting, Session session) {
        this.greeting = greeting;
        this.session = session;
    }

    public static Flow<ByteString, ByteString, NotUsed> flow(Step greeting, Session session) {
        return Flow.fromGraph(new SessionStage(greeting, session));
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
        return new TimerGraphStageLogic(shape) {
            /** A step runs, or its bytes wait for the socket. */
            private boolean busy = true;
            private boolean clientDone;
            private ByteString pending;
            private boolean closeAfter;
            private AsyncCallback<Object> finished;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        run(session.received(grab(in)));
                    }

                    @Override
                    public void onUpstreamFinish() {
                        clientDone = true;
                        if (!busy) completeStage();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (pending != null) write();
                    }
                });
            }

            @Override
            public void preStart() {
                finished = createAsyncCallback(result -> {
                    if (result instanceof Step step) deliver(step);
                    else failStage((Throwable) result);
                });
                scheduleWithFixedDelay("tick", TcpListener.TICK, TcpListener.TICK);
                deliver(greeting);
            }

            @Override
            public void onTimer(Object key) {
                if (!busy) run(session.tick());
            }

            @Override
            public void postStop() {
                session.ended();
            }

            private void run(CompletionStage<Step> next) {
                busy = true;
                CompletableFuture<Step> step = next.toCompletableFuture();
                if (step.isDone() && !step.isCompletedExceptionally()) {
                    deliver(step.join());
                } else {
                    step.whenComplete((s, failure) -> finished.invoke(failure == null ? s : failure));
                }
            }

            private void deliver(Step step) {
                closeAfter = step.close();
                if (step.bytes().isEmpty()) {
                    done();
                } else {
                    pending = step.bytes();
                    if (isAvailable(out)) write();
                }
            }

            private void write() {
                ByteString bytes = pending;
                pending = null;
                push(out, bytes);
                done();
            }

            private void done() {
                if (closeAfter || clientDone) {
                    completeStage();
                    return;
                }
                busy = false;
                if (!hasBeenPulled(in)) pull(in);
            }
        };
    }
}
