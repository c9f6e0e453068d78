// check.js drives the official WeCom aibot SDK against chorus's fake long-connection
// server: node check.js <ws-url> [bot-id] [secret]
//
// It connects with the SDK's wsUrl option and authenticates; on the first text
// callback it replies with replyStream (one intermediate frame, then the finished one)
// and pushes a markdown message with sendMessage to the callback's chat; on a text
// callback "bye" it disconnects and exits 0. Any error, or 20 s without finishing,
// exits 1.
'use strict';

const { WSClient, generateReqId } = require('@wecom/aibot-node-sdk');

const [wsUrl, botId = 'chorus-bot', secret = 'chorus-secret'] = process.argv.slice(2);
if (!wsUrl) {
  console.error('usage: node check.js <ws-url> [bot-id] [secret]');
  process.exit(2);
}

const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error };
const client = new WSClient({
  botId,
  secret,
  wsUrl,
  heartbeatInterval: 100, // so the fake sees pings within the test
  maxReconnectAttempts: 0,
  maxAuthFailureAttempts: 0,
  logger: quiet,
});

const fail = (why) => {
  console.error('sdkcheck:', why);
  process.exit(1);
};
setTimeout(() => fail('timed out'), 20000).unref();

client.on('error', (err) => fail(err && err.message ? err.message : JSON.stringify(err)));
client.on('authenticated', () => console.log('sdkcheck: authenticated'));

let answered = false;
client.on('message.text', async (frame) => {
  const body = frame.body;
  try {
    if (body.text.content === 'bye') {
      client.disconnect();
      console.log('sdkcheck: done');
      process.exit(0);
    }
    if (answered) return;
    answered = true;
    const streamId = generateReqId('stream');
    await client.replyStream(frame, streamId, '正在处理…', false);
    await client.replyStream(frame, streamId, `收到：${body.text.content}`, true);
    await client.sendMessage(body.chatid || body.from.userid, {
      msgtype: 'markdown',
      markdown: { content: '**主动推送** 来自 SDK' },
    });
    console.log('sdkcheck: replied and pushed');
  } catch (err) {
    fail(err && err.message ? err.message : JSON.stringify(err));
  }
});

client.connect();
