package io.gost.runtime.plan;

import io.gost.runtime.config.Origin;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether two parts of plans would run the same: equal in everything but where they were written. A
 * reload compares the running plan with the new one this way, so that a comment added above a service
 * (which moves every line after it) does not restart anything.
 *
 * <p>Records are compared component by component, {@link Origin}s skipped, nested records, lists and maps
 * likewise; so a field another feature adds to a plan record takes part without anyone remembering to.
 * The records named in {@link #OWN_EQUALITY} define equality themselves, without origins (a
 * {@link PluginPlan} compares its factory's class); everything else uses its {@code equals}. Services refer
 * to control objects (bypasses, admissions, limiters ...) by name, so a service is "the same" when only a
 * control object changed: the runtime builds every service of a new plan with that plan's controls anyway.
 */
public final class PlanEquality {

    /** Records whose own {@code equals} already means "would run the same". */
    private static final Set<Class<?>> OWN_EQUALITY = Set.of(PluginPlan.class);

    private PlanEquality() {
    }

    /** True when {@code a} and {@code b} differ at most in their origins. */
    public static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Origin && b instanceof Origin) {
            return true;
        }
        if (a.getClass() != b.getClass()) {
            return false;
        }
        if (a instanceof Record && !OWN_EQUALITY.contains(a.getClass())) {
            for (RecordComponent component : a.getClass().getRecordComponents()) {
                if (!same(value(component, a), value(component, b))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> left && b instanceof List<?> right) {
            if (left.size() != right.size()) {
                return false;
            }
            Iterator<?> rightItems = right.iterator();
            for (Object item : left) {
                if (!same(item, rightItems.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> left && b instanceof Map<?, ?> right) {
            if (!left.keySet().equals(right.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> entry : left.entrySet()) {
                if (!same(entry.getValue(), right.get(entry.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component + " of " + record.getClass().getName(), e);
        }
    }
}
