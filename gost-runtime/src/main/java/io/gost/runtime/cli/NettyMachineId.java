package io.gost.runtime.cli;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Netty's machine id ({@code -Dio.netty.machineId}), chosen by gost before Netty needs it, unless the
 * user chose one.
 *
 * <p>Netty puts the machine id into every channel id, where it only has to make the id unique across
 * machines; gost shows channel ids nowhere. Left to itself, Netty takes the hardware address of a network
 * interface, and where there is none (a container or a network namespace with only loopback) it takes
 * random bytes and says so in a WARN line at every start, which an operator then has to look up. Random
 * bytes serve as well, so gost takes them itself: no warning, and no scan of every network interface at
 * start-up.
 */
final class NettyMachineId {

    static final String PROPERTY = "io.netty.machineId";

    private NettyMachineId() {
    }

    /** Sets {@value #PROPERTY} to random bytes, unless it is set (e.g. in {@code JAVA_OPTS}). */
    static void chooseUnlessSet() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, random());
        }
    }

    /** Eight random bytes as an EUI-64 ({@code 3a:1f:...}), one of the forms Netty reads. */
    static String random() {
        byte[] id = new byte[8];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.ofDelimiter(":").formatHex(id);
    }
}
