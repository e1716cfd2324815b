/**
 * Connection-state replication between the two directors (issue 7): {@link io.tandem.sync.ConnectionSync}
 * streams new, changed and refreshed connection entries and persistence templates to the peer in
 * authenticated, sequenced UDP datagrams ({@link io.tandem.sync.SyncCodec}), repairs losses by
 * NACK and resend or by a full dump, transfers the whole table to a node that (re)joins, and
 * confirms a flush before a planned hand-over. {@link io.tandem.sync.EngineLoop} owns the engine
 * while the forwarder does not.
 */
package io.tandem.sync;
