package io.gost.distribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two gost processes in a row: a forward whose chain goes through a gost HTTP proxy. */
class ChainIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void forwardThroughAGostHopCarriesThePayloadAndNeedsTheHop() {
        EchoServer echo = resources.add(new EchoServer());
        int hopPort = resources.freePort();
        int forwardPort = resources.freePort();
        GostProcess hop = resources.gost("-L", "http://127.0.0.1:" + hopPort).awaitPort(hopPort);
        resources.gost("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                "-F", "http://127.0.0.1:" + hopPort).awaitPort(forwardPort);
        byte[] payload = Payloads.random(4 * 1024 * 1024, 2);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        // Without the hop the forward must fail: proof that the bytes went through it, not around it.
        hop.close();
        Payloads.assertNoEchoThrough(forwardPort);
    }
}
