package io.gost.runtime.bypass;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Several bypasses on one service, hop or node ({@code bypasses: [a, b]}), combined as GOST combines them:
 * the group applies when every whitelist applies (the target is in none of them: whitelists are ANDed, so a
 * target any whitelist names is let through by the whitelists), or when any plain bypass applies (ORed).
 */
public final class BypassGroup implements BypassCheck {

    private final List<BypassCheck> members;

    private BypassGroup(List<BypassCheck> members) {
        this.members = List.copyOf(members);
    }

    /** The one member itself, or a group of several; {@code null} for none. */
    public static BypassCheck of(List<? extends BypassCheck> members) {
        if (members.isEmpty()) {
            return null;
        }
        if (members.size() == 1) {
            return members.get(0);
        }
        return new BypassGroup(List.copyOf(members));
    }

    public List<BypassCheck> members() {
        return members;
    }

    @Override
    public String name() {
        return members.stream().map(BypassCheck::name).collect(Collectors.joining(", "));
    }

    @Override
    public boolean asksPlugin() {
        return members.stream().anyMatch(BypassCheck::asksPlugin);
    }

    /** Every member asked (plugins concurrently), then combined as {@link #forbids(String, String, int)} does. */
    @Override
    public CompletionStage<Boolean> forbidsLater(String network, String host, int port, String service) {
        if (!asksPlugin()) {
            return CompletableFuture.completedFuture(forbids(network, host, port));
        }
        List<CompletableFuture<Boolean>> answers = new ArrayList<>(members.size());
        for (BypassCheck member : members) {
            answers.add(member.forbidsLater(network, host, port, service).toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<BypassCheck> answered = new ArrayList<>(members.size());
            for (int i = 0; i < members.size(); i++) {
                answered.add(new Answered(members.get(i), answers.get(i).join()));
            }
            return new BypassGroup(answered).forbids(network, host, port);
        });
    }

    /** A member's answer for one target, so that the group's rule combines answers as it combines members. */
    private record Answered(BypassCheck member, boolean applies) implements BypassCheck {
        @Override
        public String name() {
            return member.name();
        }

        @Override
        public boolean forbids(String network, String host, int port) {
            return applies;
        }

        @Override
        public boolean blacklistForbids(String network, String host, int port) {
            return !isWhitelist(member) && applies;
        }
    }

    @Override
    public boolean forbids(String network, String host, int port) {
        boolean anyWhitelist = false;
        boolean allWhitelistsApply = true;
        for (BypassCheck member : members) {
            if (isWhitelist(member)) {
                anyWhitelist = true;
                if (!member.forbids(network, host, port)) {
                    allWhitelistsApply = false;
                    break;
                }
            }
        }
        if (anyWhitelist && allWhitelistsApply) {
            return true;
        }
        return blacklistForbids(network, host, port);
    }

    @Override
    public boolean blacklistForbids(String network, String host, int port) {
        for (BypassCheck member : members) {
            if (!isWhitelist(member) && member.forbids(network, host, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWhitelist(BypassCheck member) {
        BypassCheck checked = member instanceof Answered answered ? answered.member() : member;
        return checked instanceof Bypass bypass && bypass.isWhitelist();
    }

    @Override
    public String toString() {
        return "BypassGroup" + members;
    }
}
