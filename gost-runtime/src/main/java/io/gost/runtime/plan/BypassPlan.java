package io.gost.runtime.plan;

import io.gost.runtime.bypass.Bypass;
import io.gost.runtime.config.Origin;
import java.util.List;
import java.util.Objects;

/**
 * A named bypass, compiled.
 *
 * @param name      referenced by services
 * @param whitelist true when its matchers name the only targets allowed
 * @param matchers  the patterns as written
 * @param bypass    the compiled matcher
 * @param origin    where it was configured
 */
public record BypassPlan(String name, boolean whitelist, List<String> matchers, Bypass bypass, Origin origin) {

    public BypassPlan {
        Objects.requireNonNull(name, "name");
        matchers = List.copyOf(matchers);
        Objects.requireNonNull(bypass, "bypass");
    }

    /** Equal when the same rules: the compiled form follows from them. */
    @Override
    public boolean equals(Object other) {
        return other instanceof BypassPlan that && name.equals(that.name) && whitelist == that.whitelist
                && matchers.equals(that.matchers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, whitelist, matchers);
    }
}
