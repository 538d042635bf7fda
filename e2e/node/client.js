'use strict';
// One pusher-js connection, driven by the push-e2e harness over stdin/stdout.
//
// Started as `node client.js '<config JSON>'` with
//   { key, host, port, authEndpoint, signinEndpoint, userId, lifetimeMs }.
// Reads one JSON command per line on stdin:
//   {"cmd":"subscribe","channel":"..."}  {"cmd":"unsubscribe","channel":"..."}
//   {"cmd":"signin"}  {"cmd":"disconnect"}  {"cmd":"exit"}
//   {"cmd":"client_event","channel":"...","event":"client-...","data":<any JSON>}
// Writes one JSON object per line on stdout for everything it sees:
//   {"type":"state","previous","current","socket_id"}     connection state changes
//   {"type":"raw","event","channel","data"}                every protocol message received
//   {"type":"subscribed","channel","members","me"}         subscription succeeded
//   {"type":"subscription_error","channel","error"}
//   {"type":"member_added"|"member_removed","channel","id","info"}
//   {"type":"event","channel","event","data"}              an event, as pusher-js hands it over
//   {"type":"user_event","event","data"}                   an event sent to the signed-in user
//   {"type":"log","message"} {"type":"connection_error","error"} {"type":"fatal","error"}
//
// It exits when stdin closes (the harness went away) or after `lifetimeMs`, whichever is first.

const readline = require('readline');
const Pusher = require('pusher-js');

const config = JSON.parse(process.argv[2]);

function out(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function describe(error) {
  if (error === undefined || error === null) return null;
  if (error instanceof Error) return { name: error.name, message: error.message };
  try {
    JSON.stringify(error);
    return error;
  } catch (_) {
    return String(error);
  }
}

process.on('uncaughtException', (error) => {
  out({ type: 'fatal', error: String(error && error.stack ? error.stack : error) });
  process.exit(4);
});

setTimeout(() => {
  out({ type: 'fatal', error: `lifetime of ${config.lifetimeMs} ms exceeded` });
  process.exit(3);
}, config.lifetimeMs).unref();

Pusher.logToConsole = false;
Pusher.log = (message) => out({ type: 'log', message: String(message) });

const pusher = new Pusher(config.key, {
  wsHost: config.host,
  wsPort: config.port,
  forceTLS: false,
  enabledTransports: ['ws'],
  enableStats: false,
  cluster: 'mt1',
  channelAuthorization: {
    endpoint: config.authEndpoint,
    transport: 'ajax',
    params: { user_id: config.userId },
  },
  userAuthentication: {
    endpoint: config.signinEndpoint,
    transport: 'ajax',
    params: { user_id: config.userId },
  },
});

pusher.connection.bind('state_change', (states) => {
  out({
    type: 'state',
    previous: states.previous,
    current: states.current,
    socket_id: pusher.connection.socket_id || null,
  });
});
pusher.connection.bind('message', (message) => {
  out({
    type: 'raw',
    event: message.event,
    channel: message.channel === undefined ? null : message.channel,
    data: message.data === undefined ? null : message.data,
  });
});
pusher.connection.bind('error', (error) => out({ type: 'connection_error', error: describe(error) }));
pusher.user.bind_global((event, data) => out({ type: 'user_event', event, data }));

function members(channel) {
  if (!channel.members) return null;
  const list = [];
  channel.members.each((member) => list.push({ id: member.id, info: member.info }));
  list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return list;
}

function subscribe(name) {
  const channel = pusher.subscribe(name);
  channel.bind_global((event, data) => {
    if (event === 'pusher:subscription_succeeded') {
      const me = channel.members && channel.members.me ? channel.members.me.id : null;
      out({ type: 'subscribed', channel: name, members: members(channel), me });
    } else if (event === 'pusher:subscription_error') {
      out({ type: 'subscription_error', channel: name, error: describe(data) });
    } else if (event === 'pusher:member_added' || event === 'pusher:member_removed') {
      out({
        type: event === 'pusher:member_added' ? 'member_added' : 'member_removed',
        channel: name,
        id: data.id,
        info: data.info === undefined ? null : data.info,
      });
    } else if (event.indexOf('pusher_internal:') !== 0) {
      out({ type: 'event', channel: name, event, data: data === undefined ? null : data });
    }
  });
}

function handle(command) {
  switch (command.cmd) {
    case 'subscribe':
      subscribe(command.channel);
      break;
    case 'unsubscribe':
      pusher.unsubscribe(command.channel);
      break;
    case 'signin':
      pusher.signin();
      break;
    case 'client_event': {
      const channel = pusher.channel(command.channel);
      const sent = channel ? channel.trigger(command.event, command.data) : false;
      out({ type: 'client_event_sent', channel: command.channel, sent: Boolean(sent) });
      break;
    }
    case 'disconnect':
      pusher.disconnect();
      break;
    case 'exit':
      pusher.disconnect();
      process.exit(0);
      break;
    default:
      out({ type: 'bad_command', command });
  }
}

const commands = readline.createInterface({ input: process.stdin });
commands.on('line', (line) => {
  let command;
  try {
    command = JSON.parse(line);
  } catch (_) {
    out({ type: 'bad_command', line });
    return;
  }
  handle(command);
});
commands.on('close', () => {
  pusher.disconnect();
  process.exit(0);
});
