package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A HOCON file with a bracket left open names the line it was opened on, not where the parser gave up. */
class BracketsTest {

    private static void assertProblem(String text, String problem) {
        assertThatThrownBy(() -> new HoconConfigLoader().parse(text, "app.conf"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(problem);
    }

    @Test
    void aBraceNotClosedInsideAListNamesTheListsOpeningAndTheMismatch() {
        assertProblem(String.join("\n",
                "services = [",
                "  {",
                "    name = a",
                "    handler { type = http",
                "  }",
                "]"),
                "app.conf:6: HOCON syntax error: ']' does not match the '{' opened on line 2: a '}' is missing"
                        + " between them");
    }

    @Test
    void aBraceNeverClosedNamesTheLineItWasOpenedOn() {
        assertProblem(String.join("\n",
                "services = []",
                "log {",
                "  level = info"),
                "app.conf:2: HOCON syntax error: the '{' opened here is never closed: a '}' is missing");
    }

    @Test
    void bracketsInStringsCommentsAndSubstitutionsDoNotCount() {
        assertThat(Brackets.find("a = \"{[\" # }\n// ]\nb = ${a}\nc = \"\"\"{\n[\"\"\"\n")).isEmpty();
    }

    @Test
    void otherSyntaxErrorsKeepTheParsersLineAndMessage() {
        assertProblem("services = [\n  { name = a addr = \":2\" }\n]",
                "app.conf:2: HOCON syntax error: Expecting close brace } or a comma, got '=' (if you intended '=' to"
                        + " be part of a key or string value, try enclosing the key or value in double quotes, or you"
                        + " may be able to rename the file .properties rather than .conf)");
    }
}
