-- Relief operation (issue 6): the EDXL-RM messages of assistance threads
-- and the organisations' Ed25519 signing keys. Messages are immutable: no
-- route changes or deletes them and the database refuses it.
CREATE TABLE relief_messages (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  request_id TEXT NOT NULL, -- the thread; '' for an unsolicited offer not linked to a request
  type       TEXT NOT NULL,
  sender_org TEXT NOT NULL,
  visibility TEXT NOT NULL,
  created_ns INTEGER NOT NULL,
  body       TEXT NOT NULL -- the relief.Message as JSON
);

CREATE INDEX relief_messages_by_request ON relief_messages (request_id, seq);

CREATE TRIGGER relief_messages_no_update BEFORE UPDATE ON relief_messages
BEGIN SELECT RAISE(ABORT, 'relief messages are immutable'); END;
CREATE TRIGGER relief_messages_no_delete BEFORE DELETE ON relief_messages
BEGIN SELECT RAISE(ABORT, 'relief messages are immutable'); END;

CREATE TABLE signing_keys (
  org        TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  public_key BLOB NOT NULL,
  created_ns INTEGER NOT NULL,
  PRIMARY KEY (org, key_id)
);

-- Official messages between organisations (relief/msg): the signed message
-- as received, verified by the hub against the sender's registered key, and
-- the signed delivered/read receipts of its recipients.
CREATE TABLE official_messages (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  sender_org TEXT NOT NULL,
  recipients TEXT NOT NULL, -- JSON array of organisations
  created_ns INTEGER NOT NULL,
  body       TEXT NOT NULL  -- the msg.SignedMessage as JSON
);

CREATE TABLE official_receipts (
  message_id TEXT NOT NULL REFERENCES official_messages (id),
  org        TEXT NOT NULL,
  kind       TEXT NOT NULL,
  at_ns      INTEGER NOT NULL,
  body       TEXT NOT NULL, -- the msg.SignedReceipt as JSON
  PRIMARY KEY (message_id, org, kind)
);
