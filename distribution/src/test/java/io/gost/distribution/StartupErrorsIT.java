package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Mistakes at start-up: gost stops with a non-zero exit code and a message that says what to fix. */
class StartupErrorsIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void unknownHandlerTypeIsRejectedListingTheKnownTypes() {
        Path config = resources.write("unknown-handler.conf", String.join("\n",
                "services = [",
                "  {",
                "    name = broken",
                "    addr = \"127.0.0.1:" + resources.freePort() + "\"",
                "    handler { type = nosuchhandler }",
                "  }",
                "]",
                ""));

        GostProcess gost = resources.gost("run", config.toString());

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.output()).as(gost::describe).contains("nosuchhandler").contains("http").contains("forward");
    }

    @Test
    void hoconSyntaxErrorNamesTheFileAndLine() {
        Path config = resources.write("syntax-error.conf", String.join("\n",
                "services = [",
                "  {",
                "    name = s1",
                "    addr = \"127.0.0.1:1",
                "    handler { type = http }",
                "  }",
                "]",
                ""));

        GostProcess gost = resources.gost("run", config.toString());

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.output()).as(gost::describe).containsPattern(atLine("syntax-error.conf", 4));
    }

    @Test
    void yamlSyntaxErrorNamesTheFileAndLine() {
        Path config = resources.write("syntax-error.yaml", String.join("\n",
                "services:",
                "  - name: s1",
                "    addr: 127.0.0.1:1",
                "     handler: http",
                ""));

        GostProcess gost = resources.gost("run", config.toString());

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.output()).as(gost::describe).containsPattern(atLine("syntax-error.yaml", 4));
    }

    @Test
    void addressAlreadyInUseNamesTheServiceAndAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();

            GostProcess gost = resources.gost("-L", "http://" + address);

            assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
            assertThat(gost.output()).as(gost::describe).contains("service-0").contains(address);
        }
    }

    @Test
    void missingConfigFileForRunIsNamed() {
        Path missing = resources.dir().resolve("does-not-exist.conf");

        GostProcess gost = resources.gost("run", missing.toString());

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.output()).as(gost::describe).contains("does-not-exist.conf");
    }

    @Test
    void missingConfigFileForDashCIsNamed() {
        Path missing = resources.dir().resolve("does-not-exist.yaml");

        GostProcess gost = resources.gost("-C", missing.toString());

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.output()).as(gost::describe).contains("does-not-exist.yaml");
    }

    /** {@code file:4}, {@code file: 4} (as compilers and Typesafe Config print) or {@code file ... line 4}. */
    private static String atLine(String file, int line) {
        String quoted = java.util.regex.Pattern.quote(file);
        return quoted + ":\\s?" + line + "\\b|" + quoted + ".{0,80}\\bline " + line + "\\b";
    }
}
