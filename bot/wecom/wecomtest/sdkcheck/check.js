// check.js drives the official WeCom aibot SDK against chorus's fake long-connection
// server: node check.js <ws-url> [bot-id] [secret]
//
// It connects with the SDK's wsUrl option and authenticates; on the first text
// callback it replies with replyStream (one intermediate frame, then the finished one)
// and pushes a markdown message with sendMessage to the callback's chat; on a text
// callback "card" it answers with a button_interaction card (replyTemplateCard, task_id
// sdkcheck_card_1) and pushes another (sendMessage, sdkcheck_card_2); on a tap
// (event.template_card_event) it updates the tapped card (updateTemplateCard) with the
// event's task_id and "<event_key> by <userid>" under the title; on a text callback
// "bye" it disconnects and exits 0. Any error, or 20 s without finishing,
// exits 1.
'use strict';

const { WSClient, TemplateCardType, generateReqId } = require('@wecom/aibot-node-sdk');

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

// card is a button_interaction card as chorus sends one: title, time and place rows,
// 接 / 退 buttons whose keys are the commands.
const card = (taskId, sub) => ({
  card_type: TemplateCardType.ButtonInteraction,
  main_title: { title: '#12 楼道消防巡查' },
  sub_title_text: sub,
  horizontal_content_list: [
    { keyname: '时间', value: '明天 10:00' },
    { keyname: '名额', value: '还差 2 人（共 2 人）' },
  ],
  button_list: [
    { text: '接', style: 1, key: '接 12' },
    { text: '退', style: 2, key: '退 12' },
  ],
  task_id: taskId,
});

client.on('event.template_card_event', async (frame) => {
  const { event, from } = frame.body;
  try {
    await client.updateTemplateCard(frame, card(event.task_id, `${event.event_key} by ${from.userid}`));
    console.log('sdkcheck: card updated');
  } catch (err) {
    fail(err && err.message ? err.message : JSON.stringify(err));
  }
});

let answered = false;
client.on('message.text', async (frame) => {
  const body = frame.body;
  try {
    if (body.text.content === 'bye') {
      client.disconnect();
      console.log('sdkcheck: done');
      process.exit(0);
    }
    if (body.text.content === 'card') {
      await client.replyTemplateCard(frame, card('sdkcheck_card_1', '点「接」认领'));
      await client.sendMessage(body.chatid, { msgtype: 'template_card', template_card: card('sdkcheck_card_2', '推送') });
      console.log('sdkcheck: cards sent');
      return;
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
