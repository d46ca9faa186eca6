package dev.duplex.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** Turns low-level failures into {@link DuplexClientException}s that say what happened. */
final class Errors {
    private Errors() {
    }

    static DuplexClientException of(String what, String hostPort, Throwable cause) {
        if (cause instanceof DuplexClientException) {
            return (DuplexClientException) cause;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ProxyConnectException) {
                String m = String.valueOf(t.getMessage());
                boolean auth = m.contains("status: 407") || m.contains("authStatus: FAILURE")
                        || m.contains("authMethod: UNACCEPTED");
                return new DuplexClientException(DuplexClientException.Kind.PROXY, what
                        + ": the proxy refused the connection to " + hostPort
                        + (auth ? " (proxy authentication failed: wrong or missing credentials)" : "") + ": " + m,
                        cause);
            }
            if (t instanceof UnknownHostException) {
                return new DuplexClientException(DuplexClientException.Kind.DNS,
                        what + ": cannot resolve host " + hostPort + " (DNS): " + t.getMessage(), cause);
            }
            if (t instanceof ConnectTimeoutException) {
                return new DuplexClientException(DuplexClientException.Kind.TIMEOUT,
                        what + ": connecting to " + hostPort + " timed out", cause);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new DuplexClientException(DuplexClientException.Kind.CONNECT,
                        what + ": cannot connect to " + hostPort + ": " + t.getMessage(), cause);
            }
            if (t instanceof SSLException) {
                return new DuplexClientException(DuplexClientException.Kind.TLS,
                        what + ": TLS with " + hostPort + " failed" + (untrusted(t) ? " (the server's certificate"
                                + " is not trusted: give the client an sslContext that trusts it)" : "")
                                + ": " + t.getMessage(), cause);
            }
        }
        return new DuplexClientException(DuplexClientException.Kind.TRANSPORT,
                what + " (" + hostPort + "): " + (cause == null ? "connection closed" : cause.toString()), cause);
    }

    /** Whether a TLS failure comes from validating the server's certificate chain. */
    private static boolean untrusted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.security.cert.CertificateException
                    || c instanceof java.security.cert.CertPathValidatorException
                    || c.getClass().getName().endsWith("CertPathBuilderException")) {
                return true;
            }
        }
        return false;
    }

    static DuplexClientException http(String what, int status, String reason, String body) {
        String b = body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "..." : body;
        return new DuplexClientException(DuplexClientException.Kind.HTTP,
                what + ": HTTP " + status + " " + reason + (b.isEmpty() ? "" : ": " + b), null, null, status);
    }

    static DuplexClientException protocol(String message, Throwable cause) {
        return new DuplexClientException(DuplexClientException.Kind.PROTOCOL, message, cause);
    }
}
