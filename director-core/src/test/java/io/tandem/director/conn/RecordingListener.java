package io.tandem.director.conn;

/** Keeps per-server counts the way the service table does, for assertions. */
final class RecordingListener implements ConnectionListener {
    final int[] active = new int[16];
    final int[] inactive = new int[16];
    final int[] templates = new int[16];

    @Override
    public void onConnectionAdded(int serverId, boolean isActive) {
        (isActive ? active : inactive)[serverId]++;
    }

    @Override
    public void onConnectionActivityChanged(int serverId, boolean isActive) {
        active[serverId] += isActive ? 1 : -1;
        inactive[serverId] += isActive ? -1 : 1;
    }

    @Override
    public void onConnectionRemoved(int serverId, boolean isActive) {
        (isActive ? active : inactive)[serverId]--;
    }

    @Override
    public void onTemplateAdded(int serverId) {
        templates[serverId]++;
    }

    @Override
    public void onTemplateRemoved(int serverId) {
        templates[serverId]--;
    }
}
