import { field, isObject, text } from './values';

/** A folder as found in a record, before the Bind/Sync rules decide what it means. */
export interface RawFolder {
  id: string | null;
  /** Path as given (localised, maybe unrooted, quirk 24); Name when there is no Path. */
  path: string | null;
  /** null when the folder has no FolderItems at all (a Sync folder); [] when it is present but empty. */
  items: RawItem[] | null;
  /** FolderItems entries that are no item at all (null, a number, a string that is no message id): counted, not read. */
  unreadable?: number;
}

/** One FolderItem as written; newer records add the item's store ids, time, subject and label (quirk 25). */
export interface RawItem {
  messageId: unknown;
  size: unknown;
  id?: unknown;
  immutableId?: unknown;
  creationTime?: unknown;
  subject?: unknown;
  sensitivity?: unknown;
}

/**
 * `Folders` (Bind and the MES Sync shape) or the flat `AggregatedRecordFoldersData` text. Strings are parsed as JSON;
 * text that is not valid JSON (truncated, "JSON-ish") is salvaged token by token.
 */
export function readFolders(value: unknown): RawFolder[] {
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return [];
    try {
      return readFolders(JSON.parse(t) as unknown);
    } catch {
      return salvageFolders(t);
    }
  }
  const list = Array.isArray(value) ? value : isObject(value) ? [value] : [];
  const out: RawFolder[] = [];
  for (const entry of list) {
    if (!isObject(entry)) continue;
    const rawItems = field(entry, 'FolderItems');
    let items: RawItem[] | null = null;
    let unreadable = 0;
    if (rawItems !== undefined && rawItems !== null) {
      const arr = Array.isArray(rawItems) ? rawItems : [rawItems];
      items = arr.map(toRawItem).filter((i): i is RawItem => i !== null);
      unreadable = arr.length - items.length;
    }
    out.push({ id: text(field(entry, 'Id')), path: folderPath(entry), items, ...(unreadable > 0 ? { unreadable } : {}) });
  }
  return out;
}

/** `Item.ParentFolder` of a Sync record (Redmond / LETHAL / FOR509 shape, quirk 18). */
export function readParentFolder(item: unknown): RawFolder | null {
  const parent = field(item, 'ParentFolder');
  if (!isObject(parent)) return null;
  const folder: RawFolder = { id: text(field(parent, 'Id')), path: folderPath(parent), items: null };
  return folder.id || folder.path ? folder : null;
}

function folderPath(obj: unknown): string | null {
  // Keep the path exactly as written (no trim): `\Boîte de réception` and ` Inbox` are the record's own words.
  const path = field(obj, 'Path');
  if (typeof path === 'string' && path !== '') return path;
  const name = field(obj, 'Name');
  return typeof name === 'string' && name !== '' ? name : null;
}

function toRawItem(item: unknown): RawItem | null {
  if (isObject(item)) {
    return {
      messageId: field(item, 'InternetMessageId'),
      size: field(item, 'SizeInBytes'),
      id: field(item, 'Id'),
      immutableId: field(item, 'ImmutableId'),
      creationTime: field(item, 'CreationTime'),
      subject: field(item, 'Subject'),
      sensitivity: field(item, 'Sensitivity'),
    };
  }
  // Some tools flatten FolderItems to the ids themselves.
  if (typeof item === 'string' && /^\s*<?[^<>\s@]+@[^<>\s]+>?\s*$/.test(item)) return { messageId: item, size: null };
  return null;
}

const TOKEN = /"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)|"(?:[^"\\]|\\.)*"|[{}]/g;

/**
 * Best effort for AggregatedRecordFoldersData that is not valid JSON (e.g. cut off): walk the quoted key/value pairs
 * and braces. Objects at the first nesting level are folders, deeper ones with an InternetMessageId (or an item's
 * ImmutableId / SizeInBytes) are items. If no
 * structure is recognisable, every `<…@…>` in the text becomes an item of an unknown folder.
 */
export function salvageFolders(src: string): RawFolder[] {
  interface Frame {
    fields: Map<string, string>;
    items: RawItem[];
  }
  const stack: Frame[] = [];
  const folders: RawFolder[] = [];
  let itemCount = 0;

  const close = (): void => {
    const frame = stack.pop()!;
    if (stack.length === 0) {
      folders.push({
        id: frame.fields.get('id') ?? null,
        path: frame.fields.get('path') ?? frame.fields.get('name') ?? null,
        items: frame.items,
      });
    } else if (frame.fields.has('internetmessageid') || frame.fields.has('immutableid') || frame.fields.has('sizeinbytes')) {
      const f = frame.fields;
      stack[0]!.items.push({
        messageId: f.get('internetmessageid'),
        size: f.get('sizeinbytes') ?? null,
        id: f.get('id'),
        immutableId: f.get('immutableid'),
        creationTime: f.get('creationtime'),
        subject: f.get('subject'),
        sensitivity: f.get('sensitivity'),
      });
      itemCount++;
    }
  };

  for (const m of src.matchAll(TOKEN)) {
    const token = m[0];
    if (token === '{') stack.push({ fields: new Map(), items: [] });
    else if (token === '}') {
      if (stack.length > 0) close();
    } else if (m[1] !== undefined && stack.length > 0) {
      const key = unquote(`"${m[1]}"`).toLowerCase();
      const value = m[2]!.startsWith('"') ? unquote(m[2]!) : m[2]!;
      const frame = stack[stack.length - 1]!;
      if (!frame.fields.has(key)) frame.fields.set(key, value);
    }
  }
  while (stack.length > 0) close(); // text cut off mid-record: keep what was read

  if (itemCount > 0) return folders;
  const ids = [...src.matchAll(/<[^<>\s"]+@[^<>\s"]+>/g)].map((x) => x[0]);
  if (ids.length > 0) return [{ id: null, path: null, items: ids.map((id) => ({ messageId: id, size: null })) }];
  return folders.filter((f) => f.id !== null || f.path !== null);
}

function unquote(quoted: string): string {
  try {
    const v = JSON.parse(quoted) as unknown;
    return typeof v === 'string' ? v : quoted.slice(1, -1);
  } catch {
    return quoted.slice(1, -1);
  }
}
