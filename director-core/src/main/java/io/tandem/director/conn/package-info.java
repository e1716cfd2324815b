/**
 * The connection table (IPVS's {@code ip_vs_conn}): connections and persistence templates in
 * parallel primitive arrays with open-addressing indices, TCP state tracking with IPVS's state
 * table and timeouts, and expiry through a hierarchical timer wheel. Fixed capacity, allocated
 * up front; nothing allocates afterwards.
 */
package io.tandem.director.conn;
