import { Arg, Ctx, Extensions, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { ROLE_EXTENSION } from '../role-gate';

@ObjectType('Organization', { description: 'A client tenant or case: every key and every record belongs to one.' })
export class OrganizationType {
  @Field(() => Int)
  id!: number;

  @Field({ description: 'Stable handle, from the first name (api-key create --org <slug>).' })
  slug!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;
}

@Resolver()
export class OrganizationResolver {
  @Extensions({ [ROLE_EXTENSION]: 'admin' })
  @Query(() => [OrganizationType], { description: 'Every organisation (admin keys only).' })
  organizations(@Ctx() ctx: RequestContext) {
    return ctx.services.organizations.list();
  }

  @Extensions({ [ROLE_EXTENSION]: 'admin' })
  @Mutation(() => OrganizationType, { description: 'Creates an organisation (admin keys only); its slug comes from the name.' })
  createOrganization(@Arg('name') name: string, @Ctx() ctx: RequestContext) {
    return ctx.services.organizations.create(name);
  }

  @Extensions({ [ROLE_EXTENSION]: 'admin' })
  @Mutation(() => OrganizationType, { description: 'Renames an organisation (admin keys only); its slug stays.' })
  renameOrganization(@Arg('id', () => Int) id: number, @Arg('name') name: string, @Ctx() ctx: RequestContext) {
    return ctx.services.organizations.rename(id, name);
  }
}
