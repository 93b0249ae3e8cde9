/*
 * MessageEventSerializer: the journal's binary form of MessageEvent.
 *
 * Layout (big-endian, DataOutputStream): one version byte (2), then the record's
 * fields in declaration order. A string is an int byte count + UTF-8 bytes; a
 * body its long size, int stored-chunk count, boolean eightBit and its tail as an
 * int byte count + the bytes; a channel one byte, 'L' or 'R'; a list an int
 * count + its elements. Version 1, written before bodies were chunked, differs
 * only in Accepted's body: an int byte count + the whole message; it is still read. The manifest names the
 * record, so each record can change shape on its own under a new version byte. Identifier 7701 is
 * Quail's and must never change: stored events carry it.
 *
 * Decoding rejects, with IllegalArgumentException, an unknown version, a count
 * or length beyond the remaining bytes, and trailing bytes; an unknown manifest
 * raises NotSerializableException, as Pekko expects.
 */
package dev.quail.persistence.events;

import dev.quail.persistence.body.Body;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.serialization.SerializerWithStringManifest;

public final class MessageEventSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 7701;
    private static final byte VERSION = 2;
    private static final byte WHOLE_BODY = 1;

    private static final String ACCEPTED = "Accepted";
    private static final String DELIVERED = "Delivered";
    private static final String FAILED = "Failed";
    private static final String DEFERRED = "Deferred";
    private static final String RETRY_SCHEDULED = "RetryScheduled";
    private static final String BOUNCE_QUEUED = "BounceQueued";
    private static final String HELD = "Held";
    private static final String REJUVENATED = "Rejuvenated";

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object event) {
        return checked(event).getClass().getSimpleName();
    }

    @Override
    public byte[] toBinary(Object event) {
        MessageEvent message = checked(event);
        int bodySize = message instanceof MessageEvent.Accepted accepted ? accepted.body().tail().length : 0;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(bodySize + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            write(message, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        if (!List.of(ACCEPTED, DELIVERED, FAILED, DEFERRED, RETRY_SCHEDULED, BOUNCE_QUEUED, HELD, REJUVENATED)
                .contains(manifest)) {
            throw new NotSerializableException("unknown MessageEvent manifest: " + manifest);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte version = in.get();
            if (version != VERSION && version != WHOLE_BODY) {
                throw new IllegalArgumentException("unsupported MessageEvent version " + version);
            }
            MessageEvent event = read(manifest, version, in);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            }
            return event;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated MessageEvent " + manifest, e);
        }
    }

    private static MessageEvent checked(Object event) {
        if (event instanceof MessageEvent message) {
            return message;
        }
        throw new IllegalArgumentException("not a MessageEvent: " + event.getClass().getName());
    }

    private static void write(MessageEvent event, DataOutputStream out) throws IOException {
        if (event instanceof MessageEvent.Accepted e) {
            writeString(out, e.id());
            out.writeLong(e.birthMillis());
            writeString(out, e.sender());
            out.writeInt(e.recipients().size());
            for (Recipient recipient : e.recipients()) {
                writeString(out, recipient.address());
                writeChannel(out, recipient.channel());
            }
            Body body = e.body();
            out.writeLong(body.size());
            out.writeInt(body.chunks());
            out.writeBoolean(body.eightBit());
            out.writeInt(body.tail().length);
            out.write(body.tail());
            writeString(out, e.origin());
        } else if (event instanceof MessageEvent.Delivered e) {
            writeResult(out, e.recipient(), e.report());
        } else if (event instanceof MessageEvent.Failed e) {
            writeResult(out, e.recipient(), e.report());
        } else if (event instanceof MessageEvent.Deferred e) {
            writeResult(out, e.recipient(), e.report());
        } else if (event instanceof MessageEvent.RetryScheduled e) {
            writeChannel(out, e.channel());
            out.writeLong(e.atMillis());
        } else if (event instanceof MessageEvent.BounceQueued e) {
            writeString(out, e.bounceId());
        } else if (event instanceof MessageEvent.Held e) {
            out.writeBoolean(e.held());
        } else if (event instanceof MessageEvent.Rejuvenated e) {
            out.writeLong(e.birthMillis());
        }
    }

    private static MessageEvent read(String manifest, byte version, ByteBuffer in) {
        switch (manifest) {
            case ACCEPTED:
                String id = readString(in);
                long birthMillis = in.getLong();
                String sender = readString(in);
                int count = readCount(in, 5); // a recipient takes at least 5 bytes
                List<Recipient> recipients = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    recipients.add(new Recipient(readString(in), readChannel(in)));
                }
                Body body = version == WHOLE_BODY ? Body.inline(readBytes(in)) : readBody(in);
                return new MessageEvent.Accepted(id, birthMillis, sender, recipients, body, readString(in));
            case DELIVERED:
                return new MessageEvent.Delivered(in.getInt(), readString(in));
            case FAILED:
                return new MessageEvent.Failed(in.getInt(), readString(in));
            case DEFERRED:
                return new MessageEvent.Deferred(in.getInt(), readString(in));
            case RETRY_SCHEDULED:
                return new MessageEvent.RetryScheduled(readChannel(in), in.getLong());
            case HELD:
                return new MessageEvent.Held(in.get() != 0);
            case REJUVENATED:
                return new MessageEvent.Rejuvenated(in.getLong());
            default:
                return new MessageEvent.BounceQueued(readString(in));
        }
    }

    private static void writeResult(DataOutputStream out, int recipient, String report) throws IOException {
        out.writeInt(recipient);
        writeString(out, report);
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void writeChannel(DataOutputStream out, Channel channel) throws IOException {
        out.writeByte(channel == Channel.LOCAL ? 'L' : 'R');
    }

    private static Body readBody(ByteBuffer in) {
        long size = in.getLong();
        int chunks = in.getInt();
        boolean eightBit = in.get() != 0;
        return new Body(size, chunks, readBytes(in), eightBit);
    }

    private static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer in) {
        byte[] bytes = new byte[readCount(in, 1)];
        in.get(bytes);
        return bytes;
    }

    /** A count of items of at least {@code minSize} bytes each, checked against what is left. */
    private static int readCount(ByteBuffer in, int minSize) {
        int count = in.getInt();
        if (count < 0 || (long) count * minSize > in.remaining()) {
            throw new IllegalArgumentException("bad length " + count + " with " + in.remaining() + " bytes left");
        }
        return count;
    }

    private static Channel readChannel(ByteBuffer in) {
        byte code = in.get();
        if (code == 'L') {
            return Channel.LOCAL;
        }
        if (code == 'R') {
            return Channel.REMOTE;
        }
        throw new IllegalArgumentException("unknown channel code " + code);
    }
}
