package io.gost.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Credentials;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialsAuthenticatorTest {

    private final CredentialsAuthenticator authenticator = new CredentialsAuthenticator(
            List.of(new Credentials("alice", "s3cret"), new Credentials("bob", "hunter2")));

    @Test
    void acceptsAnyConfiguredPair() {
        assertThat(authenticator.authenticate("alice", "s3cret")).isTrue();
        assertThat(authenticator.authenticate("bob", "hunter2")).isTrue();
    }

    @Test
    void rejectsMixedPairsWrongPasswordsAndMissingValues() {
        assertThat(authenticator.authenticate("alice", "hunter2")).isFalse();
        assertThat(authenticator.authenticate("alice", "s3cre")).isFalse();
        assertThat(authenticator.authenticate("alice", null)).isFalse();
        assertThat(authenticator.authenticate(null, null)).isFalse();
    }
}
