/**
 * A PagedAsyncIterableIterator (the @azure/core-paging shape) over a page function: items with
 * `for await`/`next()`, pages with `byPage({ continuationToken, maxPageSize })`. Pages are
 * fetched one at a time, only when asked for.
 *
 * @param getPage (continuationToken, maxPageSize) => Promise<{ items, continuationToken }>
 * @param keep which items to yield (all by default)
 */
export function pagedIterator(getPage, keep = () => true) {
  async function* byPage(settings = {}) {
    if (settings === null || typeof settings !== "object") throw new TypeError("byPage settings must be an object");
    let token = settings.continuationToken;
    do {
      const page = await getPage(token, settings.maxPageSize);
      token = page.continuationToken;
      const items = [];
      for (const item of page.items) {
        if (keep(item)) items.push(item);
      }
      // Non-enumerable, so a page still compares and prints as a plain array.
      Object.defineProperty(items, "continuationToken", { value: token, enumerable: false });
      yield items;
    } while (token);
  }
  async function* all() {
    for await (const page of byPage()) yield* page;
  }
  const items = all();
  return {
    next: () => items.next(),
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage,
  };
}
