// @uplink/platform-client in a stranger's project: pair with the fake LUML platform and read the
// satellite's task queue.
import assert from 'node:assert/strict';
import { PlatformClient } from '@uplink/platform-client';
import { startFakeLumlPlatform } from '@uplink/testing';

const platform = await startFakeLumlPlatform();
const { satellite, token } = platform.createSatellite({ name: 'release-check' });
const artifact = platform.uploadArtifact({ bytes: 'model', fileName: 'model.luml' });
const { task } = platform.createDeployment({
  satelliteId: satellite.id,
  artifactId: artifact.id,
  name: 'release-check',
});
const client = new PlatformClient({ token, platformUrl: platform.url });
try {
  await client.pair({
    baseUrl: 'http://127.0.0.1:9',
    capabilities: {
      deploy: {
        version: 1,
        supported_variants: ['pyfunc'],
        supported_tags_combinations: null,
        extra_fields_form_spec: [],
      },
    },
  });
  const tasks = await client.listTasks({ status: 'pending' });
  assert.deepEqual(
    tasks.map((t) => t.id),
    [task.id],
  );
  console.log('platform-client: pair and listTasks against the fake LUML platform work');
} finally {
  await client.close();
  await platform.close();
}
