package dev.quail.engine;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * The backstops of one admitted connection, between its edge and the socket: the bytes to the client pass through;
 * the connection is cut (the stream failed, which closes the socket and cancels the edge) {@code hardStop} after it
 * began, and {@code evictionGrace} after its slot was given to a newcomer, whatever its session does; and
 * {@code ended} runs once when it ends, however it ends.
 *
 * <p>Why one stage: the same was two kill-switch stages, a completion timeout and a termination watch, built and
 * materialized for every connection.
 */
final class DoorStage extends GraphStage<FlowShape<ByteString, ByteString>> {
    private static final String LIFETIME = "lifetime";
    private static final String EVICTED = "evicted";

    private final Inlet<ByteString> in = Inlet.create("door.in");
    private final Outlet<ByteString> out = Outlet.create("door.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Duration hardStop;
    private final Duration evictionGrace;
    private final Admission.Ticket ticket;
    private final Runnable evicted;
    private final Runnable ended;

    /** {@code evicted} runs (on another thread) when the slot is given away. */
    DoorStage(Duration hardStop, Duration evictionGrace, Admission.Ticket ticket, Runnable evicted, Runnable ended) {
        this.hardStop = hardStop;
        this.evictionGrace = evictionGrace;
        this.ticket = ticket;
        this.evicted = evicted;
        this.ended = ended;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
        return new TimerGraphStageLogic(shape) {
            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        push(out, grab(in));
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }
                });
            }

            @Override
            public void preStart() {
                scheduleOnce(LIFETIME, hardStop);
                AsyncCallback<Object> cut = createAsyncCallback(x -> scheduleOnce(EVICTED, evictionGrace));
                ticket.onEviction(() -> {
                    evicted.run();
                    cut.invoke(EVICTED);
                });
                // Given away while the stream was being built: the callback above came too late for it.
                if (ticket.evicted()) cut.invoke(EVICTED);
            }

            @Override
            public void onTimer(Object key) {
                failStage(new TimeoutException(key.equals(LIFETIME) ? "past its lifetime" : "evicted"));
            }

            @Override
            public void postStop() {
                ended.run();
            }
        };
    }
}
