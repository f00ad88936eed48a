package io.gost.runtime.auth;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/** What a service's authentication asks of one auther: a local table, or a plugin asked over HTTP. */
public interface CredentialCheck {

    /** The auther's name, for logs. */
    String name();

    /** The answer without waiting; false when the auther can only answer later (a plugin). */
    boolean checkNow(String username, String password);

    /** The answer, possibly later; never fails (a check that cannot be made is false). */
    CompletionStage<Boolean> check(String username, String password, InetSocketAddress client);
}
