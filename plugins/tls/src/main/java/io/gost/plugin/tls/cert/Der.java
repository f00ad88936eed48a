package io.gost.plugin.tls.cert;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The little of ASN.1 DER that a self-signed certificate and a private key's PKCS#8 wrapping need: writing
 * the few types they use, and reading one element's tag and bounds.
 *
 * <p>Written by hand because the JDK can sign but offers no public API to build a certificate, and a
 * library for it (Bouncy Castle, about 9 MB) would be loaded for one certificate per start.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int BOOLEAN = 0x01;

    /** X.509: times before 2050 are UTCTime, later ones GeneralizedTime (RFC 5280, 4.1.2.5). */
    private static final Instant UTC_TIME_LIMIT = Instant.parse("2050-01-01T00:00:00Z");
    private static final DateTimeFormatter UTC_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private Der() {
    }

    static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return element(SEQUENCE, concat(parts));
    }

    static byte[] set(byte[]... parts) {
        return element(SET, concat(parts));
    }

    static byte[] integer(BigInteger value) {
        return element(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return element(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0)});
    }

    static byte[] nullValue() {
        return element(NULL, new byte[0]);
    }

    static byte[] octetString(byte[] content) {
        return element(OCTET_STRING, content);
    }

    /** A bit string of whole bytes (no unused bits). */
    static byte[] bitString(byte[] content) {
        return element(BIT_STRING, concat(new byte[] {0}, content));
    }

    /** A bit string of the first {@code bits} bits of {@code content}, as KeyUsage flags need it. */
    static byte[] bitString(byte[] content, int bits) {
        int unused = content.length * 8 - bits;
        return element(BIT_STRING, concat(new byte[] {(byte) unused}, content));
    }

    static byte[] utf8String(String text) {
        return element(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] time(Instant instant) {
        return instant.isBefore(UTC_TIME_LIMIT)
                ? element(UTC_TIME, UTC_TIME_FORMAT.format(instant).getBytes(StandardCharsets.US_ASCII))
                : element(GENERALIZED_TIME, GENERALIZED_TIME_FORMAT.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    /** An explicitly tagged element: {@code [tag] EXPLICIT content}. */
    static byte[] explicit(int tag, byte[] content) {
        return element(0xa0 | tag, content);
    }

    /** An implicitly tagged primitive element: {@code [tag] IMPLICIT} bytes. */
    static byte[] implicitPrimitive(int tag, byte[] bytes) {
        return element(0x80 | tag, bytes);
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(arc) + 6) / 7);
            for (int group = groups - 1; group >= 0; group--) {
                int bits = (int) ((arc >>> (7 * group)) & 0x7f);
                out.write(group == 0 ? bits : bits | 0x80);
            }
        }
        return element(OBJECT_IDENTIFIER, out.toByteArray());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * One element read from {@code data}: its tag, and where its content starts and ends.
     *
     * @param tag   the identifier octet
     * @param start the first content byte
     * @param end   one past the last content byte
     */
    record Element(int tag, int start, int end) {

        byte[] content(byte[] data) {
            return java.util.Arrays.copyOfRange(data, start, end);
        }

        /** The whole element, tag and length included, from {@code headerStart}. */
        byte[] encoded(byte[] data, int headerStart) {
            return java.util.Arrays.copyOfRange(data, headerStart, end);
        }
    }

    /** Reads the element at {@code offset}, or throws when the bytes are not DER. */
    static Element read(byte[] data, int offset) {
        if (offset + 2 > data.length) {
            throw new IllegalArgumentException("truncated DER at byte " + offset);
        }
        int tag = data[offset] & 0xff;
        int first = data[offset + 1] & 0xff;
        int position = offset + 2;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int bytes = first & 0x7f;
            if (bytes == 0 || bytes > 4 || position + bytes > data.length) {
                throw new IllegalArgumentException("bad DER length at byte " + (offset + 1));
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (data[position++] & 0xff);
            }
        }
        if (length < 0 || position + length > data.length) {
            throw new IllegalArgumentException("DER element at byte " + offset + " runs past the end");
        }
        return new Element(tag, position, position + length);
    }
}
