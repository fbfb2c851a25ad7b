// App-shaped bundle for the size budget: run an AI Spine flow and wait for its result
// (FlowClient + executeAndWait).
import { FlowClient } from '@uplink/flow-client';

const client = new FlowClient({ baseUrl: 'https://spine.example', apiKey: 'key' });
const execution = await client.executeAndWait('loan_review', { name: 'Ana', amount: 50_000 });
document.body.textContent = JSON.stringify(execution.output_data);
