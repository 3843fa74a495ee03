/**
 * Calls `fn` for every match of the global regex `re` in `text`. An exec loop: matchAll clones
 * its RegExp on every call, which shows in profiles when a dozen patterns run per note.
 */
export function forEachMatch(re: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    fn(m);
  }
}
