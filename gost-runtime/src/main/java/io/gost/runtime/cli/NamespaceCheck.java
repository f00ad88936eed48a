package io.gost.runtime.cli;

import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.ServicePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code gost check}'s look at the namespaces a plan uses: each must exist; entering them is left to a run. */
final class NamespaceCheck {

    /** CAP_SYS_ADMIN's bit in /proc/self/status's CapEff: setns(2) on a network namespace needs it. */
    private static final long CAP_SYS_ADMIN = 1L << 21;

    private NamespaceCheck() {
    }

    /** One problem per namespace that does not exist, naming the services that use it. */
    static List<String> problems(GostPlan plan, NetnsProvider provider) {
        Map<NetnsRef, List<String>> users = new LinkedHashMap<>();
        for (ServicePlan service : plan.services()) {
            service.namespaces().forEach(ns -> users.computeIfAbsent(ns, key -> new ArrayList<>()).add(service.name()));
        }
        plan.namespaces().forEach(ns -> users.computeIfAbsent(ns, key -> new ArrayList<>()));
        List<String> problems = new ArrayList<>();
        users.forEach((namespace, services) -> {
            try {
                provider.verify(namespace);
            } catch (NetnsException e) {
                problems.add((services.isEmpty() ? "chains" : "service " + String.join(", ", services)) + ": "
                        + e.getMessage());
            }
        });
        return problems;
    }

    /** A note when this process could not enter a namespace, or nothing. */
    static String privilegeNote() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long capabilities = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (capabilities & CAP_SYS_ADMIN) != 0 ? ""
                            : "; note: this check is not running as root (no CAP_SYS_ADMIN), and serving will need"
                                    + " root or CAP_SYS_ADMIN to enter them";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: nothing to say
        }
        return "";
    }
}
