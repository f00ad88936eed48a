package io.gost.runtime.cli;

import io.gost.runtime.config.ChainConfig;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.HopConfig;
import io.gost.runtime.config.NodeConfig;
import io.gost.runtime.config.ServiceConfig;

/** What {@code gost check} prints: each service and chain on a few readable lines. */
final class PlanPrinter {

    private PlanPrinter() {
    }

    static String describe(GostConfig config) {
        StringBuilder text = new StringBuilder();
        for (ServiceConfig service : config.services()) {
            text.append("service ").append(service.name()).append(": ")
                    .append(service.handler().type()).append(" handler on ")
                    .append(service.listener().type()).append(" listener ").append(service.addr());
            service.metadata().string("netns").ifPresent(ns -> text.append(" (listening in netns ").append(ns).append(')'));
            text.append('\n');
            if (service.handler().auth() != null || service.handler().auther() != null) {
                text.append("  authentication: required\n");
            }
            if (service.handler().chain() != null) {
                text.append("  chain: ").append(service.handler().chain()).append('\n');
            }
            service.metadata().string("netns.out").ifPresent(ns -> text.append("  dials from netns ").append(ns).append('\n'));
            if (service.forwarder() != null) {
                text.append("  forward to (").append(service.forwarder().selector().strategy()).append("): ");
                appendNodes(text, service.forwarder());
                text.append('\n');
            }
        }
        for (ChainConfig chain : config.chains()) {
            text.append("chain ").append(chain.name()).append(":\n");
            for (HopConfig hop : chain.hops()) {
                text.append("  hop ").append(hop.name());
                hop.metadata().string("netns").ifPresent(ns -> text.append(" (netns ").append(ns).append(')'));
                text.append(": ");
                appendNodes(text, hop);
                text.append('\n');
            }
        }
        return text.toString();
    }

    private static void appendNodes(StringBuilder text, HopConfig hop) {
        boolean first = true;
        for (NodeConfig node : hop.nodes()) {
            if (!first) {
                text.append(", ");
            }
            first = false;
            text.append(node.name()).append(' ').append(node.addr());
            if (node.connector() != null || node.dialer() != null) {
                text.append(" [").append(node.connector() == null ? "-" : node.connector().type())
                        .append('+').append(node.dialer() == null ? "tcp" : node.dialer().type()).append(']');
            }
            String netns = node.metadata().string("netns").orElse(node.netns());
            if (netns != null) {
                text.append(" (netns ").append(netns).append(')');
            }
        }
    }
}
