package io.gost.plugin.http.handler;

import io.netty.handler.codec.http.HttpRequest;

/**
 * A request head that {@link RequestValidator} accepted, with where it goes. The body pieces of the request
 * follow it through the pipeline as the decoder produced them. The head is not reference-counted.
 */
record ProxyRequest(HttpRequest request, RequestTarget target) {
}
