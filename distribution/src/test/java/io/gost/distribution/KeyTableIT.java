package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/gost-keys.md is what {@code gost keys} prints with the bundled plugins: the table of GOST's keys and
 * their status comes from the same sources as the configuration checker, so it cannot drift from the code.
 */
class KeyTableIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void theKeyTableInDocsIsWhatGostKeysPrints() throws IOException {
        Path docs = Paths.get(System.getProperty("gost.examples.dir", "../examples")).resolve("../docs/gost-keys.md")
                .normalize();
        GostProcess gost = resources.gost("keys");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout())
                .as("docs/gost-keys.md is out of date; regenerate it with"
                        + " `distribution/target/gost/bin/gost keys > docs/gost-keys.md`")
                .isEqualTo(Files.readString(docs));
    }
}
