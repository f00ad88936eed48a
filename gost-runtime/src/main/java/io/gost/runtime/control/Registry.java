package io.gost.runtime.control;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running control objects of one kind, by name. Users hold a {@link Ref} per name, not the object, so that
 * replacing an object (a reload, the web API) reaches every service, hop and node using it at its next check,
 * without restarting anything; a name whose object is removed stays known to its users, who then see it
 * missing and fail closed.
 *
 * @param <T> the kind of object
 */
public final class Registry<T> {

    private final String kind;
    private final Map<String, Ref<T>> refs = new ConcurrentHashMap<>();

    /** @param kind names the kind in messages: {@code auther}, {@code bypass} ... */
    public Registry(String kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public String kind() {
        return kind;
    }

    /** The handle for {@code name}, made on first use; it sees whatever is registered under the name. */
    public Ref<T> ref(String name) {
        return refs.computeIfAbsent(Objects.requireNonNull(name, "name"), key -> new Ref<>(kind, key));
    }

    /** Registers {@code value} under {@code name}, replacing what was there; returns the replaced object. */
    public T put(String name, T value) {
        return ref(name).set(Objects.requireNonNull(value, "value"));
    }

    /** Removes the object called {@code name}; returns it. Users of the name see it missing from now on. */
    public T remove(String name) {
        Ref<T> ref = refs.get(name);
        return ref == null ? null : ref.set(null);
    }

    /** The object called {@code name}, if one is registered. */
    public Optional<T> get(String name) {
        Ref<T> ref = refs.get(name);
        return ref == null ? Optional.empty() : Optional.ofNullable(ref.get());
    }

    /** The names with an object, sorted. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        refs.forEach((name, ref) -> {
            if (ref.get() != null) {
                names.add(name);
            }
        });
        return names;
    }

    @Override
    public String toString() {
        return "Registry[" + kind + ", " + names() + "]";
    }

    /**
     * A name and whatever object is registered under it now.
     *
     * @param <T> the kind of object
     */
    public static final class Ref<T> {
        private final String kind;
        private final String name;
        private volatile T value;

        private Ref(String kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        public String name() {
            return name;
        }

        public String kind() {
            return kind;
        }

        /** The object now, or {@code null} when none is registered under the name. */
        public T get() {
            return value;
        }

        private synchronized T set(T newValue) {
            T old = value;
            value = newValue;
            return old;
        }

        @Override
        public String toString() {
            return kind + " " + name;
        }
    }
}
