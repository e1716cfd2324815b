package io.tandem.health;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * {@code service=ldap}, as ldirectord's check_ldap: a bind (simple, as {@code login=} with
 * {@code passwd=}, else anonymous) that must succeed; with {@code request=} a base search of that
 * DN that must find the entry, whose LDIF must match {@code receive=} when set. UnboundID's SDK,
 * on the blocking pool.
 */
final class LdapProbe extends BlockingProbe {
    LdapProbe(Executor executor) {
        super(executor);
    }

    @Override
    protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
        CheckDefinition check = server.check();
        InetSocketAddress target = server.checkAddress();
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(timeoutMillis);
        options.setResponseTimeoutMillis(timeoutMillis);
        options.setAbandonOnTimeout(true);
        LDAPConnection ldap = resources.add(new LDAPConnection(options));
        try {
            ldap.connect(target.getAddress().getHostAddress(), target.getPort(), timeoutMillis);
            String result;
            if (check.login() != null) {
                ldap.bind(check.login(), check.passwd() == null ? "" : check.passwd());
                result = "bound as " + check.login();
            } else {
                ldap.bind("", "");
                result = "anonymous bind";
            }
            if (check.request() != null && !check.request().isEmpty()) {
                SearchResultEntry entry = ldap.getEntry(check.request());
                if (entry == null) {
                    throw new CheckFailure("no entry " + check.request());
                }
                if (check.receive() != null && !Pattern.compile(check.receive()).matcher(entry.toLDIFString()).find()) {
                    throw new CheckFailure("entry " + check.request() + " does not match receive=\"" + check.receive() + "\"");
                }
                result += ", found " + check.request();
            }
            return result;
        } catch (LDAPException e) {
            throw new CheckFailure(e.getResultCode() + (e.getDiagnosticMessage() == null ? ""
                    : ": " + e.getDiagnosticMessage()));
        }
    }
}
